"""The readable API reference (开放接口): the OpenAPI document, walked into what the page
shows — operations grouped by tag, their parameters, request fields, responses and the
data structures. Rendered on the server from the same document /api/v1/openapi.json
serves, so the page and the contract cannot disagree; no script, nothing from a CDN."""
import json

METHODS = ("get", "post", "put", "patch", "delete")
TAG_TITLES = {
    "auth": "注册、令牌与当前用户", "users": "用户", "suggestions": "建言献策", "leaders": "领导与答复",
    "notifications": "通知", "admin": "工作人员管理", "meta": "接口文档",
}
STATUS_TITLES = {
    200: "成功", 201: "已创建", 204: "成功（无内容）", 400: "请求格式有误", 401: "需要登录（Bearer 令牌）",
    403: "没有权限", 404: "不存在", 409: "与当前状态冲突", 413: "上传内容过大", 415: "不支持的内容类型",
    422: "字段有误（fields 逐项说明）", 429: "过于频繁（见 Retry-After）",
}
MAX_DEPTH = 2  # nested inline objects shown as a.b.c; deeper ones by their type


def _ref_name(node):
    ref = node.get("$ref", "") if isinstance(node, dict) else ""
    return ref.rsplit("/", 1)[-1] if ref else None


def _deref(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node or {}


def _merged(document, node):
    """A schema with its allOf parts folded in: (properties, required)."""
    node = _deref(document, node)
    properties, required = {}, set(node.get("required", []))
    for part in node.get("allOf", []):
        sub_props, sub_req = _merged(document, part)
        properties.update(sub_props)
        required |= sub_req
    properties.update(node.get("properties", {}))
    return properties, required


def type_of(node):
    """(text, schema name or None) of a property's type, e.g. ("integer", None), ("User", "User")."""
    name = _ref_name(node)
    if name:
        return name, name
    if node.get("type") == "array":
        text, ref = type_of(node.get("items", {}))
        return f"{text}[]", ref
    text = node.get("type", "object" if "properties" in node else "any")
    if node.get("format"):
        text += f"（{node['format']}）"
    return text, None


def _json(value):
    """A value as the JSON a client sends (true, null, "text" unquoted)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def constraints_of(node):
    notes = []
    if "enum" in node:
        notes.append("可选值：" + "、".join(_json(v) for v in node["enum"]))
    for key, label in (("minimum", "最小"), ("maximum", "最大"), ("minLength", "最少字数"),
                       ("maxLength", "最多字数"), ("default", "默认")):
        if key in node:
            notes.append(f"{label} {_json(node[key])}")
    if "pattern" in node:
        notes.append(f"格式 {node['pattern']}")
    if node.get("nullable"):
        notes.append("可为 null")
    return notes


def fields_of(document, node, prefix="", depth=0):
    """Rows of a schema's fields: name (nested as a.b, items as a[].b), type, required, notes."""
    rows = []
    properties, required = _merged(document, node)
    for name, sub in sorted(properties.items()):
        text, ref = type_of(sub)
        rows.append({"name": prefix + name, "type": text, "ref": ref, "required": name in required,
                     "description": sub.get("description", ""), "notes": constraints_of(sub), "depth": depth})
        inner = sub.get("items", {}) if sub.get("type") == "array" else sub
        if ref is None and depth < MAX_DEPTH and ("properties" in inner or "allOf" in inner):
            child = prefix + name + ("[]." if inner is not sub else ".")
            rows += fields_of(document, inner, child, depth + 1)
    return rows


def _body_of(document, content):
    bodies = []
    for media, entry in content.items():
        schema = entry.get("schema", {})
        ref = _ref_name(schema)
        plain = not ref and not _merged(document, schema)[0]
        bodies.append({"media": media, "ref": ref, "fields": [] if ref or plain else fields_of(document, schema),
                       "type": type_of(schema)[0] if plain else None})
    return bodies


def reference(document):
    """What the page shows: {"info", "tags": [{name, title, operations}], "schemas": [...]}."""
    tags = {}
    for path, operations in document["paths"].items():
        for method in METHODS:
            op = operations.get(method)
            if op is None:
                continue
            parameters = [{
                "name": p["name"], "in": p["in"], "required": p.get("required", False),
                "type": type_of(p.get("schema", {}))[0], "description": p.get("description", ""),
                "notes": constraints_of(p.get("schema", {})),
            } for p in op.get("parameters", [])]
            responses = []
            for status, response in sorted(op["responses"].items()):
                responses.append({"status": status, "description": response.get("description", ""),
                                  "title": STATUS_TITLES.get(int(status), ""),
                                  "bodies": _body_of(document, response.get("content", {}))})
            entry = {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                     "description": op.get("description", ""), "anchor": op.get("operationId", f"{method}-{path}"),
                     "auth": bool(op.get("security")), "parameters": parameters,
                     "request": _body_of(document, op.get("requestBody", {}).get("content", {})),
                     "body_required": op.get("requestBody", {}).get("required", False), "responses": responses}
            for tag in op.get("tags") or ["other"]:
                tags.setdefault(tag, []).append(entry)
    schemas = [{"name": name, "description": schema.get("description", ""), "fields": fields_of(document, schema)}
               for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())]
    return {
        "info": document.get("info", {}),
        "servers": document.get("servers", []),
        "tags": [{"name": name, "title": TAG_TITLES.get(name, name), "operations": ops}
                 for name, ops in sorted(tags.items(), key=lambda item: list(TAG_TITLES).index(item[0])
                                         if item[0] in TAG_TITLES else len(TAG_TITLES))],
        "schemas": schemas,
    }
