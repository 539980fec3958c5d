"""The example the book shows."""


def main():
    print("hi")


main()
