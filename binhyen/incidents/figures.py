"""The incidents app's figures (registered in IncidentsConfig.ready())."""


def register():
    pass
