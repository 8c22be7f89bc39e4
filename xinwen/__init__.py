"""xinwen: Chinese newspaper pages in; segmented, theme-tagged, digested articles out."""

__version__ = "0.1.0"
