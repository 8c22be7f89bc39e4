"""YAML configs shipped with xinwen (labels, hyper-parameters); read through xinwen.settings."""
