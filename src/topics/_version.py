"""The package version, in a leaf module that any layer may import (the root package pins the
numerical environment on import)."""

__version__ = "0.1.0"
