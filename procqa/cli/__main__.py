import sys

from procqa.cli import main

sys.exit(main())
