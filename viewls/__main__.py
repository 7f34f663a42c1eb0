import sys

from viewls.cli.main import main

sys.exit(main())
