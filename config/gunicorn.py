"""gunicorn's settings for `make serve` and the bench: what the command line does not say.

Each worker freezes what it holds once the application is loaded (Django, the URL resolver, the
templates, the translations): the cyclic garbage collector's full passes then walk only what
requests create, instead of a few hundred thousand objects that live as long as the process
(a pass took up to 0.2 s in the middle of a request, bench/).
"""
import gc


def post_worker_init(worker):
    gc.freeze()
