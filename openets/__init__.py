"""OpenETS: an open-source national emissions trading system."""

__version__ = "0.1.0"
