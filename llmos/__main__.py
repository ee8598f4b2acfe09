from llmos._entry import main

main()
