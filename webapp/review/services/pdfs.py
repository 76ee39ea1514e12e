"""Submission PDFs: checked by content (core.uploads: a renamed JPEG is no PDF), within the
call's page and size limits, and in double-blind calls rewritten without the document
information (Author, Creator, Producer, Title, …) and XMP metadata that could name an author.
Stored under a random key in UPLOAD_DIR/review; the file name never carries author data."""
import io
import secrets
import warnings
from pathlib import Path

from flask import current_app

from webapp.core import uploads
from webapp.core.errors import ValidationError

KIND = "review"


def read_pdf(stream, call):
    """The checked bytes and page count of an uploaded PDF for `call` (ValidationError otherwise)."""
    from pypdf import PdfReader

    max_bytes = call.max_mb * 1024 * 1024
    data = stream.read(max_bytes + 1)
    if not data:
        raise ValidationError("请上传 PDF 文件", fields={"pdf": "请上传 PDF 文件"})
    if len(data) > max_bytes:
        raise ValidationError(fields={"pdf": f"文件过大：不能超过 {call.max_mb} MB"})
    if not data.startswith(b"%PDF-"):
        raise ValidationError(fields={"pdf": "文件不是 PDF（按文件内容识别，不看扩展名）"})
    try:
        uploads.check_pdf(data)
    except uploads.UploadError as exc:
        raise ValidationError(fields={"pdf": exc.message}) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    if pages > call.max_pages:
        raise ValidationError(fields={"pdf": f"页数过多：{pages} 页，不能超过 {call.max_pages} 页"})
    return data, pages


def strip_metadata(data):
    """The PDF rewritten page by page: no /Info entries but a neutral producer, no XMP."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            added.pop(NameObject("/Metadata"), None)
            added.pop(NameObject("/PieceInfo"), None)
        writer._root_object.pop(NameObject("/Metadata"), None)
        writer.add_metadata({"/Producer": "Scientists' Home"})
        buf = io.BytesIO()
        writer.write(buf)
    return buf.getvalue()


def store_pdf(payload):
    key = f"{secrets.token_hex(16)}.pdf"
    folder = Path(current_app.config["UPLOAD_DIR"]) / KIND
    folder.mkdir(parents=True, exist_ok=True)
    uploads.store(folder / key, payload)
    return key


def pdf_path(key):
    return uploads.private_document_path(key, KIND)


def minimal_pdf(lines, author=None, title=None):
    """A small one-page PDF with `lines` of ASCII text (demo content and tests)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    text = "BT /F1 14 Tf 60 780 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines) + " ET"
    stream = DecodedStreamObject()
    stream.set_data(text.encode("latin-1", "replace"))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    page[NameObject("/Contents")] = writer._add_object(stream)
    meta = {}
    if author:
        meta["/Author"] = author
        meta["/Creator"] = author
    if title:
        meta["/Title"] = title
    if meta:
        writer.add_metadata(meta)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
