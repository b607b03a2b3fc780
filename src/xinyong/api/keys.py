"""`GET /api/v1/keys`: the platform's public signing keys, for verifying receipts offline.

No token: anyone holding a receipt, a credit report or a feed must be able to check it. The
list changes only at a rotation, so it is cacheable (five minutes, with an ETag for cheap
revalidation); a verifier that meets an unknown key id fetches it again. Retired keys stay
listed with the period they signed in.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags
from ninja import Field, Router, Schema

from xinyong.core.signing import canonical, key_entry, published_keys

MAX_AGE_SECONDS = 300

router = Router(tags=["签名公钥"], auth=None)


class KeyOut(Schema):
    """One public key and the period it signed in."""

    key_id: str = Field(description="密钥编号：公钥的 JWK 指纹（RFC 7638，SHA-256，base64url）")
    algorithm: Literal["Ed25519"] = Field(description="签名算法")
    public_key: str = Field(description="32 字节原始公钥，base64url（无填充）")
    public_key_pem: str = Field(description="同一公钥的 PEM（SubjectPublicKeyInfo）")
    valid_from: str = Field(description="开始签名的时间（UTC），如 2026-05-01T08:00:00Z")
    valid_until: str | None = Field(
        description="停止签名的时间（UTC，不含该时刻）；正在使用的密钥为 null"
    )
    current: bool = Field(description="是否为当前签名密钥")


class KeySet(Schema):
    """The platform's public keys, newest first."""

    keys: list[KeyOut]


@router.get(
    "/keys",
    response={200: KeySet},
    url_name="keys",
    summary="平台签名公钥",
    description=(
        "平台用 Ed25519 签署核查回执、信用报告和交换数据。签名信封为 "
        '`{"payload": …, "signature": {"alg": "Ed25519", "key_id": …, "signed_at": …, '
        '"value": …}}`，签名覆盖去掉 `signature.value` 后整个信封的规范 JSON'
        "（键按 Unicode 码位排序、无空白、UTF-8 不转义非 ASCII 字符、只有整数）。"
        "用 `key_id` 找到公钥，并核对 `signed_at` 在其有效期内。停用的密钥仍列出，"
        "其有效期内签署的文件仍可验证。无需令牌；可缓存 5 分钟，支持 If-None-Match。"
    ),
    openapi_extra={
        "security": [],
        "responses": {304: {"description": "公钥列表未变化（If-None-Match 与 ETag 相同）"}},
    },
)
def list_keys(request: HttpRequest, response: HttpResponse) -> KeySet | HttpResponse:
    """The published keys with cache headers; 304 when the caller's copy is current."""
    document: dict[str, Any] = {"keys": [key_entry(key) for key in published_keys()]}
    etag = '"' + hashlib.sha256(canonical(document)).hexdigest()[:32] + '"'
    headers = {"Cache-Control": f"public, max-age={MAX_AGE_SECONDS}", "ETag": etag}
    known = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in known or "*" in known:
        unchanged = HttpResponse(status=304)
        for name, value in headers.items():
            unchanged[name] = value
        return unchanged
    for name, value in headers.items():
        response[name] = value
    return KeySet.model_validate(document)
