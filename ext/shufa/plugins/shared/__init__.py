"""What the plugins share, and no plugin of its own (nothing here has a ``setup()``):

``envstore``  what plugins keep in the Sphinx environment, their own events, the files they claim
``markup``    HTML the plugins write themselves, as docutils and Sphinx write it
``tables``    the frame of every generated table
"""
