from mlscaffold.entry import main

main()
