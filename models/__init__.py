"""Networks and their loading: the xinwen BERT base, the theme classifier, the digest ranker."""
