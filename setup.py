"""The compiled order book (``openets.trading._cbook``) and the journal's hash-chain link
(``openets.engine._chain``, with OpenSSL's libcrypto), optional extensions.

Everything else about the package is in pyproject.toml. Where no C compiler is found the build
goes on without it and ``openets.trading.book`` uses the pure-Python book (the same results,
slower; likewise ``openets.engine.chain`` without its extension, e.g. where OpenSSL's headers are
missing); ``tests/trading/test_trading_cbook.py`` fails when a compiler exists but the extension
was not built. ``python setup.py build_ext --inplace`` builds it in a work tree.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "openets.trading._cbook",
            sources=["openets/trading/_cbook.c"],
            extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra", "-Wno-unused-parameter",
                                "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
            optional=True,
        ),
        Extension(
            "openets.engine._chain",
            sources=["openets/engine/_chain.c"],
            libraries=["crypto"],
            extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra",
                                "-Wno-unused-parameter", "-Wno-missing-field-initializers",
                                "-Wno-deprecated-declarations", "-Wno-cast-function-type"],
            optional=True,
        ),
    ]
)
