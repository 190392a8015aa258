def document_pdf(document, *, request=None):
    raise NotImplementedError


def document_html(document, *, request=None):
    raise NotImplementedError
