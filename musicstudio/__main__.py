import sys

from musicstudio.cli import main

sys.exit(main())
