"""Reading how upset a customer is, split out of calmdesk/anger_model.py by concern.

``lexicons`` (word lists), ``cues`` (the spaCy cue reader), ``anger_rules`` (the
labelling guide's floors and ceilings on the model's level, docs/labelling.md),
``anger_evaluation`` (loading, held-out split, scoring, command line) and
``leakage`` (refuses training or evaluation when evaluation text is in data/).
The model itself stays in calmdesk/anger_model.py, which re-exports the rest.
"""
