"""The one error type the CLI turns into a one-line message and exit code 2."""


class InputError(Exception):
    """Bad input: names the file and the problem, in one line."""

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = str(problem).replace("\n", " ")
        super().__init__(f"{self.path}: {self.problem}")
