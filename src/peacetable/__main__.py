"""``python -m peacetable``: the same command as the ``peacetable`` console script."""

from peacetable.cli import main

if __name__ == "__main__":
    main()
