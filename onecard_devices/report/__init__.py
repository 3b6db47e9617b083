from . import onecard_list_current
