"""Learning and evaluation: pretraining, theme fine-tuning, digest ranker, metrics."""
