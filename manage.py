#!/usr/bin/env python
"""Django's command-line utility; `openveiligheid` is the same entry point, installed."""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    from openveiligheid.cli import main

    main()
