def document_docx(document):
    raise NotImplementedError
