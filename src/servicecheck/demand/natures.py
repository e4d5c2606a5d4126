"""What a demand is: value (what the service is there for), failure (caused by a failure to
do something or do something right for the citizen), or not yet known."""

NATURES = ("value", "failure", "unknown")
