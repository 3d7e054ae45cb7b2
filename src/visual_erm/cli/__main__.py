from visual_erm.cli import main

main()
