"""`python -m modenhet`: the same command line as the `modenhet` script."""

from modenhet.cli import main

if __name__ == "__main__":
    main()
