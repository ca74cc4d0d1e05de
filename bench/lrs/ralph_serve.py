"""Start Ralph's LRS API on its fs backend, for bench_lrs.py.  Run with the
Python of the virtualenv that has ralph-malph (never imported by the toolkit).

Ralph 5.1.0's fs backend writes with operation type CREATE by default, so once
its statements file exists every further POST answers 500 ("already exists and
overwrite is not allowed").  The one change made here is to write with APPEND,
which the fs backend supports; everything else is Ralph as installed.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
