"""Read-aloud with a server voice: audio espeak-ng makes, on the council's own server, for
people whose device has no voice for the page's language.

Nobody may have arbitrary text spoken. While a page is rendered, the server signs, for
each block that can be read aloud, a token naming the hash of that block's text, the
voice and the account (``tokens``). The audio route speaks only text whose hash is in a
valid token for the person asking, so what is spoken is always what the server itself
showed that person. On anyone's page but a child's own, the text a person typed (``<bdi>``,
``dir="auto"``, text boxes) is left out of what the server speaks (``pagetext``).
"""
