"""peacetable: a workbench for mediators and analysts of multi-party negotiations."""

__version__ = "0.1.0"
