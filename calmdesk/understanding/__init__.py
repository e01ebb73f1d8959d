"""Understanding a message: how upset the customer is, what went wrong, and the details in it.

``minilm`` (the all-MiniLM-L6-v2 sentence encoder in NumPy) and ``minilm_onnx`` (the same weights run by
ONNX Runtime); ``anger`` (a first, transparent reading) and ``anger_model`` (the trained reader, which
re-exports the rest of the anger modules): ``lexicons`` (word lists), ``cues`` (the spaCy cue reader),
``anger_features`` (n-grams, cues and the sentence vector as one row), ``anger_rules`` (the labelling guide's floors and ceilings, docs/labelling.md) and ``anger_evaluation``;
``category_cues`` (taxonomy words that settle lines the classifier keeps crossing); ``order_numbers``
(order numbers in the shop's formats); ``leakage`` (refuses training or evaluation when evaluation
text is in data/). The Rasa components in ``components/`` wrap these.
"""
