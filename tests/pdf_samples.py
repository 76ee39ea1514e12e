"""PDFs built for the tests with pypdf: a harmless one-page document, and hostile variants
(script, automatic action, launch action, embedded file, file-attachment annotation)."""
import io

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject


def _bytes(writer):
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _writer(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def valid_pdf():
    """A real one-page PDF (what a scanner or word processor hands over)."""
    return _bytes(_writer())


def zero_page_pdf():
    return _bytes(_writer(pages=0))


def _js_action(script="app.alert('x')"):
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(script)})


def open_action_js_pdf():
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action())
    return _bytes(writer)


def names_javascript_pdf():
    writer = _writer()
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"),
                                                                 writer._add_object(_js_action())])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    return _bytes(writer)


def page_aa_pdf():
    """A page that runs a script when opened (additional actions)."""
    writer = _writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action()})
    return _bytes(writer)


def launch_pdf():
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    return _bytes(writer)


def embedded_file_pdf():
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")
    return _bytes(writer)


def file_attachment_annotation_pdf():
    writer = _writer()
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def hex_escaped_js_pdf():
    """/JavaScript spelt with #xx escapes in the file (/J#61vaScript), as evasive files do."""
    data = open_action_js_pdf()
    assert b"/S /JavaScript" in data
    return data.replace(b"/S /JavaScript", b"/S /J#61vaScript")


HTML_WITH_PDF_HEADER = (b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
                        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
GARBAGE_PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
# What the old check accepted: a header, a catalogue without pages, and %%EOF.
CATALOGUE_ONLY_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def parent_field_action_pdf():
    """A widget annotation whose parent field (reachable only through /Parent) runs a script."""
    writer = _writer()
    field = writer._add_object(DictionaryObject({NameObject("/FT"): NameObject("/Tx"),
                                                 NameObject("/AA"): DictionaryObject({NameObject("/K"): _js_action()})}))
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]),
        NameObject("/Parent"): field,
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    return _bytes(writer)
