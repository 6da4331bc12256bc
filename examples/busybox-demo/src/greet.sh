# greet NAME: prints the greeting the app shows.
greet() {
  echo "hello, ${1:-world}"
}
