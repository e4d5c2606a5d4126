"""Words from findings: the only place the product makes sentences about its measures."""
