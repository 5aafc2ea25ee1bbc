"""The union tree's invariants, checked over the whole table in one pass (`binhyen check-tree`)."""

from .models import Unit, path_segment


def tree_problems():
    """Yield (unit code, Vietnamese description) for every broken invariant."""
    rows = {
        pk: row
        for pk, *row in Unit.objects.values_list(
            "pk",
            "code",
            "parent_id",
            "path",
            "depth",
            "valid_from",
            "valid_to",
            "kind__rank",
            "successor_id",
        ).iterator(chunk_size=5000)
    }
    for pk, (
        code,
        parent_id,
        path,
        depth,
        valid_from,
        valid_to,
        rank,
        successor_id,
    ) in rows.items():
        if parent_id is None:
            if path != path_segment(pk) or depth != 1:
                yield code, f"đơn vị gốc có đường dẫn {path!r}, cấp {depth}"
            continue
        parent = rows.get(parent_id)
        if parent is None:
            yield code, "đơn vị cấp trên không tồn tại"
            continue
        p_code, _, p_path, p_depth, p_from, p_to, p_rank, _ = parent
        if path != p_path + path_segment(pk):
            yield code, f"đường dẫn {path!r} không khớp với đơn vị cấp trên {p_code}"
        if depth != p_depth + 1:
            yield code, f"cấp {depth} nhưng đơn vị cấp trên ở cấp {p_depth}"
        if rank <= p_rank:
            yield code, f"loại đơn vị không thấp hơn loại của đơn vị cấp trên {p_code}"
        if valid_to is not None and valid_to < valid_from:
            yield code, "ngày kết thúc trước ngày thành lập"
        if p_to is not None and (valid_to is None or valid_to > p_to):
            yield code, f"còn hoạt động sau khi đơn vị cấp trên {p_code} kết thúc ({p_to:%d/%m/%Y})"
        if successor_id is not None and valid_to is None:
            yield code, "có đơn vị kế thừa nhưng chưa kết thúc"
