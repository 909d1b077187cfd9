"""The lecturer's tools: the lecture's Keras code, a quiz, a handout, and the lecturer's own examples.

Plain text from the core (no Textual, no Keras): the commands ``code``, ``quiz``, ``handout`` and
``examples`` print or write it, and the screens show it.
"""
