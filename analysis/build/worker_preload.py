"""Imported once by the build's fork server: the report workers start from this state.

Importing it loads papermill and nbconvert, renders a small page and finds the PDF's fonts,
so that each worker forked from the server starts ready instead of paying for it (see
:func:`analysis.build.execute.prepare_worker`). It never compiles a PDF: Typst's threads
would not survive the fork.
"""

import signal

from analysis.build.execute import prepare_worker

# Ctrl-C is the build's to handle (the fork server ignores it once it is ready): without
# this, an interrupt during these imports would print the server's traceback.
_previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
try:
    prepare_worker()
finally:
    signal.signal(signal.SIGINT, _previous)
