"""The compiled order book (``openets.trading._cbook``), an optional extension.

Everything else about the package is in pyproject.toml. Where no C compiler is found the build
goes on without it and ``openets.trading.book`` uses the pure-Python book (the same results,
slower); ``tests/trading/test_trading_cbook.py`` fails when a compiler exists but the extension
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
        )
    ]
)
