from ssmd.cli import main

main()
