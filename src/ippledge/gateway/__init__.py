"""Data gateway (数据网关): the IP office, copyright register, tax, science-and-technology and credit-bureau data of a
firm, read through typed ports, only under the firm's consent, every access logged for the firm to see."""
