import sys

from sync.central.cli import main

sys.exit(main())
