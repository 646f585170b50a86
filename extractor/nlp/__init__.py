"""The analysis of an article, built once and read by every extractor (``analysis``): sentences,
tokens, abbreviations, dictionary matches over the drug and disease vocabularies, and the CRF
tagger, with the disk cache of compiled vocabularies (``compiled``)."""
