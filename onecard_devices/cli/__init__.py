from . import onecard_gateway
