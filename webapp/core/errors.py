"""Errors raised by services; views turn them into form errors, the API into JSON envelopes."""


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求无效"

    def __init__(self, message=None, fields=None, code=None):
        self.message = message or self.default_message
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(self.message)


class ValidationError(ServiceError):
    status = 422
    code = "validation_error"
    default_message = "提交的内容有误"


class AuthenticationRequired(ServiceError):
    status = 401
    code = "unauthorized"
    default_message = "请先登录"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"
    default_message = "没有权限执行此操作"


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = "找不到该资源"


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = "操作与当前状态冲突"


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"
    default_message = "操作过于频繁，请稍后再试"

    def __init__(self, message=None, retry_after=None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after
