"""Read-only JSON API for regions (public data): register ``RegionViewSet`` in the API router as ``regions``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from .lookup import SEARCH_MIN_LENGTH, is_region_code, normalise_query, path_labels, search_queryset
from .models import Level, Region


class RegionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Provinsi, Kabupaten, Kota, Kecamatan, Desa or Kelurahan.")
    path = serializers.SerializerMethodField(help_text='Full name, e.g. "Kelurahan Menteng, Kec. Menteng, …".')

    class Meta:
        model = Region
        fields = ("code", "name", "level", "kind", "parent", "path")
        read_only_fields = fields
        extra_kwargs = {"parent": {"help_text": "The parent region's code (null for a province)."}}

    def get_path(self, obj: Region) -> str:
        paths = self.context.get("paths")
        if paths is None or obj.code not in paths:
            paths = path_labels([obj])
        return paths[obj.code]


class RegionPagination(LimitOffsetPagination):
    default_limit = 200  # the most children any region has is 108
    max_limit = 1000


LIST_PARAMETERS = [
    OpenApiParameter(
        "parent",
        OpenApiTypes.STR,
        description="Children of this region code (e.g. `32.04`). Present but empty: regions without a parent "
        "(the provinces).",
    ),
    OpenApiParameter(
        "level",
        OpenApiTypes.INT,
        enum=[1, 2, 3, 4],
        description="1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan.",
    ),
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=f"Name search, case-insensitive, at least {SEARCH_MIN_LENGTH} characters: names starting with "
        "it first, then by level and name.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List regions",
        description="Indonesian administrative regions (Kemendagri codes). Without `q` ordered by code.",
        parameters=LIST_PARAMETERS,
    ),
    retrieve=extend_schema(
        summary="One region by code",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. 32.04.12")],
    ),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, regencies/cities, districts and villages. Public: no login needed."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = (AllowAny,)
    filter_backends = ()
    pagination_class = RegionPagination
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"

    def get_queryset(self) -> QuerySet[Region]:
        if self.action != "list":
            return Region.objects.all()
        params = self.request.query_params
        errors: dict[str, str] = {}
        q = normalise_query(params.get("q", ""))
        queryset = search_queryset(q) if q else Region.objects.order_by("code")
        if q and len(q) < SEARCH_MIN_LENGTH:
            errors["q"] = f"Ketik paling sedikit {SEARCH_MIN_LENGTH} huruf."
        if "parent" in params:
            parent = params["parent"].strip()
            if not parent:
                queryset = queryset.filter(parent__isnull=True)
            elif is_region_code(parent):
                queryset = queryset.filter(parent_id=parent)
            else:
                errors["parent"] = "Kode wilayah tidak sah."
        if params.get("level"):
            try:
                queryset = queryset.filter(level=Level(int(params["level"])))
            except ValueError:
                errors["level"] = "Tingkat harus 1, 2, 3 atau 4."
        if errors:
            raise ValidationError(errors)
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "paths": path_labels(items)}
        data = self.get_serializer_class()(items, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)
