from app import greeting


def test_default_name():
    assert greeting() == "hello, world"


def test_escapes_html():
    assert greeting("<b>") == "hello, &lt;b&gt;"
