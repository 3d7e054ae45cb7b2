import matplotlib.pyplot as plt
import numpy as np

years = np.arange(2015, 2025)
solar = np.array([227, 295, 390, 483, 584, 710, 849, 1047, 1419, 1865])
wind = np.array([416, 467, 514, 564, 622, 733, 825, 899, 1017, 1133])
hydro = np.array([1209, 1245, 1267, 1292, 1307, 1332, 1360, 1392, 1407, 1425])

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.plot(years, solar, marker="o", color="#f2a900", label="Solar")
ax1.plot(years, wind, marker="s", color="#1f77b4", label="Wind")
ax1.plot(years, hydro, marker="^", color="#2ca02c", label="Hydro")
ax1.set_title("Installed renewable capacity")
ax1.set_xlabel("Year")
ax1.set_ylabel("GW")
ax1.grid(True, linestyle="--", alpha=0.5)
ax1.legend(loc="upper left")

share = [solar[-1], wind[-1], hydro[-1]]
ax2.bar(["Solar", "Wind", "Hydro"], share, color=["#f2a900", "#1f77b4", "#2ca02c"])
ax2.set_title("Capacity in 2024")
ax2.set_ylabel("GW")
fig.tight_layout()
plt.show()
