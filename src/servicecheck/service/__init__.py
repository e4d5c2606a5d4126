"""The service definition a team edits: the model (``model.Service``), its schema (every key,
type, range and default), the commented template ``servicecheck init`` writes, and the rule
that joins cases into needs.
"""
