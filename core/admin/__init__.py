def init_admin(app):
    pass
