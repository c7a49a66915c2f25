from ssmd.entry import main

main()
