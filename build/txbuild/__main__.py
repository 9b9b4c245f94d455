"""`python -m txbuild`: the same command line as `txbuild`."""

from txbuild.cli import main

if __name__ == "__main__":
    main(prog_name="txbuild")
