"""What the incidents app adds to the officer's home page."""


def register():
    pass
