"""``extract evaluate``: gold files (``gold``) and the scores of the extractors against them
(``score``)."""
