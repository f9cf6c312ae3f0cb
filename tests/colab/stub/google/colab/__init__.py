"""A stand-in for Colab's ``google.colab``, for ``nox -s colab`` only.

Colab imports the real package when its kernel starts; the course's setup cells check for
it in ``sys.modules``. ``tests/colab/run.py`` imports this one at kernel start (an IPython
startup file) so the setup cells take their Colab branch. ``google`` stays a namespace
package, so ``google.protobuf`` (TensorFlow's) is unaffected.
"""

IS_STUB = True
